/**
 * The phone's compass, for the direction each photo was taken in (the server keeps it when the
 * image has no EXIF bearing). Started by a tap (iOS asks for permission only from one), read
 * when a photo is picked; a phone that gives no heading (a desktop, a denied permission) leaves
 * photos without a bearing, never stops them.
 */

/** A heading older than this is not the one the photo was taken with. */
const FRESH_MS = 3000;

let latest: { degrees: number; at: number } | null = null;
let started = false;

/** The W3C DeviceOrientation spec's compass heading of the back of the device (the camera). */
function backCameraHeading(alpha: number, beta: number, gamma: number): number {
  const rad = Math.PI / 180;
  const [x, y, z] = [beta * rad, gamma * rad, alpha * rad];
  const vx = -Math.cos(z) * Math.sin(y) - Math.sin(z) * Math.sin(x) * Math.cos(y);
  const vy = -Math.sin(z) * Math.sin(y) + Math.cos(z) * Math.sin(x) * Math.cos(y);
  const heading = Math.atan2(vx, vy) / rad;
  return (heading + 360) % 360;
}

type IosOrientation = DeviceOrientationEvent & { webkitCompassHeading?: number };

function onOrientation(event: Event): void {
  const e = event as IosOrientation;
  // iOS gives the heading itself; elsewhere only an orientation relative to north (`absolute`) is one.
  if (typeof e.webkitCompassHeading === 'number' && e.webkitCompassHeading >= 0) {
    latest = { degrees: e.webkitCompassHeading % 360, at: Date.now() };
  } else if (e.absolute && e.alpha !== null && e.beta !== null && e.gamma !== null) {
    latest = { degrees: backCameraHeading(e.alpha, e.beta, e.gamma), at: Date.now() };
  }
}

/** Starts listening; call from a tap. */
export function startCompass(): void {
  if (started || typeof DeviceOrientationEvent === 'undefined') return;
  started = true;
  const permission = (DeviceOrientationEvent as unknown as { requestPermission?: () => Promise<string> }).requestPermission;
  const listen = () => {
    // Chrome on Android: `deviceorientationabsolute` is relative to north, `deviceorientation` is not.
    window.addEventListener('deviceorientationabsolute', onOrientation);
    window.addEventListener('deviceorientation', onOrientation);
  };
  if (permission) {
    permission.call(DeviceOrientationEvent).then(
      (answer) => {
        if (answer === 'granted') listen();
      },
      () => undefined,
    );
  } else listen();
}

/** Degrees from north the camera faced just now, or null if the phone has not said. */
export function currentHeading(): number | null {
  return latest && Date.now() - latest.at < FRESH_MS ? latest.degrees : null;
}

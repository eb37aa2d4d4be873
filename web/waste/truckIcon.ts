import type { TruckState } from '../api/client.ts';
import { TRUCK_STATE_COLORS } from '../map/palette.ts';

/**
 * Truck icons are painted here on a canvas instead of loading a sprite: there is no CDN to load
 * one from, and painting each status's colour keeps the halo white while the body is coloured.
 */

/** Painted at 64 px and shown at 30 (trucks.css), so they stay crisp on a phone's dense screen. */
const SIZE = 64;

function roundedRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** A truck seen from above, nose up (north), so rotating by the heading points it where it drives. */
function drawTruck(ctx: CanvasRenderingContext2D, color: string) {
  const cab = { x: 21, y: 6, w: 22, h: 15 };
  const body = { x: 19, y: 23, w: 26, h: 36 };

  // White halo first, so the icon stays readable on zone tints, parcels and water alike.
  ctx.lineJoin = 'round';
  ctx.strokeStyle = 'rgba(255,255,255,0.95)';
  ctx.lineWidth = 7;
  roundedRect(ctx, cab.x, cab.y, cab.w, cab.h, 5);
  ctx.stroke();
  roundedRect(ctx, body.x, body.y, body.w, body.h, 4);
  ctx.stroke();

  ctx.fillStyle = color;
  ctx.strokeStyle = 'rgba(20,24,28,0.85)';
  ctx.lineWidth = 2;
  roundedRect(ctx, body.x, body.y, body.w, body.h, 4);
  ctx.fill();
  ctx.stroke();
  roundedRect(ctx, cab.x, cab.y, cab.w, cab.h, 5);
  ctx.fill();
  ctx.stroke();

  // Windscreen: tells front from back at a glance.
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  roundedRect(ctx, cab.x + 4, cab.y + 3, cab.w - 8, 5, 2);
  ctx.fill();

  // Ribs on the compactor body.
  ctx.strokeStyle = 'rgba(255,255,255,0.55)';
  ctx.lineWidth = 2;
  for (let y = body.y + 9; y < body.y + body.h - 4; y += 8) {
    ctx.beginPath();
    ctx.moveTo(body.x + 5, y);
    ctx.lineTo(body.x + body.w - 5, y);
    ctx.stroke();
  }
}

/** Paints a truck of this status on the canvas, nose up (north). */
export function paintTruck(canvas: HTMLCanvasElement, status: TruckState): void {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, SIZE, SIZE);
  drawTruck(ctx, TRUCK_STATE_COLORS[status]);
}

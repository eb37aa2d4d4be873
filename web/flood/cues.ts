import { useCallback, useRef, useState } from 'react';
import type { FloodAlert } from '../api/client.ts';
import { announceFloodCue } from '../map/readiness.ts';
import { RED_ARRIVALS } from './alerts.ts';
import type { AlertArrival } from './useFloodLive.ts';

const SOUND_KEY = 'mueang.flood.sound';

function storedSound(): boolean {
  try {
    return window.localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

let audio: AudioContext | null = null;

/**
 * The audio context, made on the first call. Browsers keep it suspended until a person has
 * clicked something on the page, so it is first made (and resumed) from the "sound on" click.
 */
function audioContext(): AudioContext | null {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume().catch(() => {});
    return audio;
  } catch {
    return null;
  }
}

/** Three pairs of high–low beeps, a siren-like pattern distinct from any system sound. */
function beep(): void {
  const context = audioContext();
  if (!context) return;
  try {
    const start = context.currentTime + 0.05;
    for (let i = 0; i < 6; i++) {
      const at = start + i * 0.22;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = i % 2 === 0 ? 988 : 740;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.2);
    }
  } catch {
    // A browser without Web Audio still has the banner.
  }
}

export interface RedAlertCue {
  /** The red alert the banner is about, or null when dismissed / none yet. */
  banner: FloodAlert | null;
  dismiss: () => void;
  /** Alerts that turned red while the desk was open: their cards pulse until acknowledged. */
  pulsing: ReadonlySet<number>;
  sound: boolean;
  setSound: (on: boolean) => void;
  /** Feed every live alert change here. */
  onAlert: (arrival: AlertArrival) => void;
}

/**
 * A new red alert must be noticed by someone who is not looking at the wall: a flashing banner,
 * the card pulsing, and (once a person has switched it on) a beep. A `mueang:flood-cue` event
 * lets a test see that the cue fired.
 */
export function useRedAlertCue(): RedAlertCue {
  const [banner, setBanner] = useState<FloodAlert | null>(null);
  const [pulsing, setPulsing] = useState<ReadonlySet<number>>(new Set());
  const [sound, setSoundState] = useState(storedSound);
  const soundRef = useRef(sound);
  soundRef.current = sound;

  const setSound = useCallback((on: boolean) => {
    setSoundState(on);
    try {
      window.localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
    } catch {
      // Not remembering is harmless: the toggle still works for this visit.
    }
    // This click is the user gesture that lets the page make sound later.
    if (on) audioContext();
  }, []);

  const onAlert = useCallback((arrival: AlertArrival) => {
    const { change, alert } = arrival;
    if (alert.status !== 'open') {
      setPulsing((current) => {
        if (!current.has(alert.id)) return current;
        const next = new Set(current);
        next.delete(alert.id);
        return next;
      });
    }
    if (alert.severity !== 'critical' || !RED_ARRIVALS.has(change)) return;
    setBanner(alert);
    setPulsing((current) => new Set(current).add(alert.id));
    announceFloodCue();
    if (soundRef.current) beep();
  }, []);

  const dismiss = useCallback(() => setBanner(null), []);

  return { banner, dismiss, pulsing, sound, setSound, onAlert };
}

import type { Viewer } from '../auth/policy.ts';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import type { Settings } from '../env.ts';
import { floodTopic } from '../flood/live.ts';
import { wasteTopic } from '../waste/live.ts';

/**
 * What one domain contributes to /api/live: its events (loaded once per process from a NOTIFY
 * payload), each viewer's message for an event (the access policy), and its part of the snapshot.
 * The stream itself (server/live/routes.ts) knows no domain.
 */
export interface LiveTopic<Event, Message extends { event: string; data: unknown }, Snapshot extends object> {
  /** The event a notification announces, or null when it is another topic's (or gone meanwhile). */
  load(message: unknown, context: { db: Queryable; settings: Settings; clock: Clock }): Promise<Event | null>;
  /** What this viewer is told of the event; null: nothing. */
  messageFor(viewer: Viewer, event: Event): Message | null;
  /** The present, as this viewer may see it, for a client that connects (or must start again). */
  snapshot(context: { db: Queryable; viewer: Viewer; settings: Settings; now: Date }): Promise<Snapshot>;
}

const TOPICS = { flood: floodTopic, waste: wasteTopic };
type Topics = typeof TOPICS;
export type TopicName = keyof Topics;
export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

type Parts<T> = T extends LiveTopic<infer Event, infer Message, infer Snapshot> ? { event: Event; message: Message; snapshot: Snapshot } : never;
type Part<K extends TopicName, P extends 'event' | 'message' | 'snapshot'> = Parts<Topics[K]>[P];

/** An event of one topic, as the hub carries it to every stream of the process. */
export type LiveEvent = { [K in TopicName]: { topic: K; event: Part<K, 'event'> } }[TopicName];
/** Every SSE message but the snapshot. */
export type LiveMessage = { [K in TopicName]: Part<K, 'message'> }[TopicName];
/** The snapshot event's data: the parts of the topics asked for. */
export type LiveSnapshot = { at: string } & Partial<Part<'flood', 'snapshot'>> & Partial<Part<'waste', 'snapshot'>>;

// One entry point per topic, typed once here: the maps above keep each topic's types together.
const topic = <K extends TopicName>(name: K) => TOPICS[name] as unknown as LiveTopic<Part<K, 'event'>, Part<K, 'message'>, Part<K, 'snapshot'>>;

/** The hub's loader: a notification becomes the event of the topic it belongs to. */
export const loadLiveEvent =
  (context: { db: Queryable; settings: Settings; clock: Clock }) =>
  async (message: unknown): Promise<LiveEvent | null> => {
    for (const name of TOPIC_NAMES) {
      const event = await topic(name).load(message, context);
      if (event) return { topic: name, event } as LiveEvent;
    }
    return null;
  };

/** What this viewer is told of an event, if it asked for its topic. */
export function liveMessage(viewer: Viewer, topics: readonly TopicName[], live: LiveEvent): LiveMessage | null {
  if (!topics.includes(live.topic)) return null;
  return topic(live.topic).messageFor(viewer, live.event as never);
}

/** The snapshot of the topics asked for, all read at one "now". */
export async function liveSnapshot(
  topics: readonly TopicName[],
  context: { db: Queryable; viewer: Viewer; settings: Settings; now: Date },
): Promise<LiveSnapshot> {
  const parts = await Promise.all(topics.map((name) => topic(name).snapshot(context)));
  return Object.assign({ at: context.now.toISOString() }, ...parts) as LiveSnapshot;
}

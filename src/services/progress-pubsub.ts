import { createPubSub } from '@graphql-yoga/subscription';
import type { ProgressEvent, ProgressType } from '../domain/progress-types.js';

/**
 * Where ProgressService emits and subscriptions listen: one topic per progress type.
 * The in-process default wraps graphql-yoga's PubSub over an EventTarget; a multi-instance
 * deployment swaps the EventTarget for a Redis one (@graphql-yoga/redis-event-target)
 * without touching anything else.
 */
export interface ProgressPubSub {
  publish(event: ProgressEvent): void;
  /**
   * Registers `listener` on the given topics at once (not lazily: the caller relies on
   * nothing published after this call being missed). The listener must not throw.
   * Returns the function that removes it.
   */
  subscribe(types: readonly ProgressType[], listener: (event: ProgressEvent) => void): () => void;
}

type Topics = { progress: [ProgressType, ProgressEvent] };

/** Topic name as graphql-yoga's PubSub forms it for `publish('progress', type, …)`. */
const topicOf = (type: ProgressType) => `progress:${type}`;

export function createInProcessPubSub(eventTarget: EventTarget = new EventTarget()): ProgressPubSub {
  const pubsub = createPubSub<Topics>({ eventTarget: eventTarget as never });
  return {
    publish(event) {
      pubsub.publish('progress', event.progress.type, event);
    },
    subscribe(types, listener) {
      const onEvent = (e: Event) => listener((e as CustomEvent<ProgressEvent>).detail);
      for (const type of types) eventTarget.addEventListener(topicOf(type), onEvent);
      return () => {
        for (const type of types) eventTarget.removeEventListener(topicOf(type), onEvent);
      };
    },
  };
}

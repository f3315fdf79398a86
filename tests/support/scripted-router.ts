import {
  type AskPortEvent,
  type AskPortMessage,
  AskPortMessageSchema,
  type EngineCommand,
  type EngineEvent,
  EngineEventSchema,
} from '@/src/messaging/protocol';
import { typedPort } from '@/src/messaging/typed-port';
import { createAskRouter } from '@/src/vlm/ask-router';
import { createOffscreenControl } from '@/src/vlm/offscreen-control';
import { DEFAULT_SETTINGS } from '@/src/vlm/settings';
import { portPair } from './fake-ports';

/** A background router with a scripted engine on the other end of a real port pair. */
export function routerWithScriptedEngine() {
  const commands: EngineCommand[] = [];
  let engineSide: ReturnType<typeof typedPort<EngineEvent, EngineCommand>> | null = null;
  let documents = 0;
  let control: ReturnType<typeof createOffscreenControl>;
  const connectEngine = () => {
    const [bg, off] = portPair('glimpse-engine');
    engineSide = typedPort<EngineEvent, EngineCommand>(off);
    engineSide.onMessage((c) => commands.push(c));
    control.attach(typedPort<EngineCommand, EngineEvent>(bg, EngineEventSchema));
  };
  control = createOffscreenControl({
    hasDocument: async () => documents > 0,
    createDocument: async () => {
      documents++;
      queueMicrotask(connectEngine);
    },
    closeDocument: async () => {
      documents = 0;
    },
    requestConnect: async () => queueMicrotask(connectEngine),
  });
  const done: unknown[] = [];
  const router = createAskRouter({
    control,
    readSettings: async () => DEFAULT_SETTINGS,
    onStatus: () => {},
    onDone: (s) => done.push(s),
  });
  /** A requester's port (its raw client side too, for a real transport), connected as `key`. */
  const requester = (key: string) => {
    const [client, bg] = portPair('glimpse-ask');
    const events: AskPortEvent[] = [];
    const port = typedPort<AskPortMessage, AskPortEvent>(client);
    port.onMessage((e) => events.push(e));
    router.connectRequester(typedPort(bg, AskPortMessageSchema), key);
    return { port, events, client };
  };
  const engine = (event: EngineEvent) => engineSide?.post(event);
  return {
    router,
    requester,
    engine,
    commands,
    done,
    documents: () => documents,
    closeEngine: () => engineSide?.disconnect(),
  };
}

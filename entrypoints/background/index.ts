import { serveRequests } from '@/src/messaging/runtime-rpc';
import { setupVotes } from '@/src/verdicts/setup-background';
import { setupEngine } from '@/src/vlm/setup-background';

export default defineBackground(() => {
  serveRequests({ ...setupVotes(), ...setupEngine() });
});

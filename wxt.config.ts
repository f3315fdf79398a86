import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

export default defineConfig({
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: 'Glimpse',
    description: 'Ask any image on the web. Answers come from SmolVLM2 running on your device.',
    // storage: votes and settings.
    permissions: ['storage'],
    action: { default_title: 'Glimpse' },
  },
});

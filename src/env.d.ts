// Set at build time from GLIMPSE_VOTE_SERVICE_URL (wxt.config.ts); empty when the build has none.
interface ImportMetaEnv {
  readonly GLIMPSE_VOTE_SERVICE_URL: string;
}

// transformers.js bound to one onnxruntime-web build (see transformersOnOrtBuild in wxt.config.ts).
declare module '@huggingface/transformers?ort=*' {
  export * from '@huggingface/transformers';
}

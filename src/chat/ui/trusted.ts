/**
 * Only real user input may act: a page script can dispatch synthetic clicks and keys into the
 * panel (isTrusted false), and those must never ask, stop, copy or close anything.
 */
export function trusted<E extends Event>(handler: (event: E) => void) {
  return (event: E) => {
    if (!event.isTrusted) return;
    handler(event);
  };
}

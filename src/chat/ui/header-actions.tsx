import { t } from '@/src/i18n/i18n';
import { trusted } from './trusted';

/**
 * A panel header's Stop (while something runs) and close buttons. Stop sits in the header,
 * which never moves: a Stop under a growing answer is a moving target.
 */
export function HeaderActions({
  busy,
  onStop,
  onClose,
}: {
  busy: boolean;
  onStop: () => void;
  onClose: () => void;
}) {
  return (
    <div class="header-actions">
      {busy && (
        <button type="button" class="stop" onClick={trusted(onStop)}>
          {t('common.stop')}
        </button>
      )}
      <button type="button" class="icon" aria-label={t('common.close')} onClick={trusted(onClose)}>
        ×
      </button>
    </div>
  );
}

/** Esc closes a panel (real key presses only). */
export const closeOnEscape = (onClose: () => void) =>
  trusted((event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  });

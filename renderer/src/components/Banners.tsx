import { actions, useFrost } from '../state/index.js';
import { Icon } from './Icon.js';

/** Every error from a call, readable and dismissible. */
export function Banners() {
  const banners = useFrost((s) => s.banners);
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {banners.map((b) => (
        <div key={b.id} role="alert" className="banner" data-code={b.problem.code}>
          <Icon name="alert" className="banner-icon" size={18} />
          <div className="banner-text">
            <strong className="banner-title">{b.title}</strong>
            <span className="banner-message">{b.problem.message}</span>
            <span className="banner-code mono">{b.problem.code}</span>
          </div>
          <button type="button" className="button ghost icon-button" aria-label={`Dismiss error: ${b.title}`} onClick={() => actions.dismissBanner(b.id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}

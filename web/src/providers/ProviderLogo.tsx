import { useState } from 'react';

/** The provider's logo, or its initial when there is none or it fails to load. Decorative: the name is beside it. */
export function ProviderLogo({ name, logoUrl, size = 32 }: { name: string; logoUrl: string | null | undefined; size?: number }) {
  const [failed, setFailed] = useState(false);
  if (logoUrl && !failed) {
    return (
      <img
        className="logo"
        src={logoUrl}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <span className="logo logo--fallback" style={{ width: size, height: size }} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}

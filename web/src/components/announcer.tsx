import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';

export type Tone = 'success' | 'error' | 'info';
interface Message {
  id: number;
  tone: Tone;
  text: string;
  meta?: string | undefined;
}

interface AnnouncerValue {
  announce: (tone: Tone, text: string, meta?: string) => void;
}

const AnnouncerContext = createContext<AnnouncerValue>({ announce: () => undefined });

/** Short messages after an action ("Marked as Provisioned"), read out by screen readers, dismissable. */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setMessages((m) => m.filter((x) => x.id !== id)), []);
  const announce = useCallback(
    (tone: Tone, text: string, meta?: string) => {
      const id = next.current++;
      setMessages((m) => [...m.slice(-3), { id, tone, text, meta }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 12_000 : 5_000);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ announce }), [announce]);
  return (
    <AnnouncerContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {messages.map((m) => (
          <div key={m.id} className={`toast toast--${m.tone}`}>
            <p>{m.text}</p>
            {m.meta && <p className="notice__meta">{m.meta}</p>}
            <button type="button" className="button button--icon" aria-label="Dismiss message" onClick={() => dismiss(m.id)}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
        ))}
      </div>
    </AnnouncerContext.Provider>
  );
}

export function useAnnouncer(): AnnouncerValue {
  return useContext(AnnouncerContext);
}

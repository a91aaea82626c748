import { useEffect, useId, useRef, useState } from 'react';
import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';

export interface MenuItem {
  key: string;
  label: string;
  onSelect: () => void;
  disabled?: boolean;
}

/**
 * A menu button (WAI-ARIA pattern): Enter/Space/ArrowDown opens it with focus on the first item,
 * arrows and Home/End move, Escape or Tab closes it and focus goes back to the button.
 */
export function Menu({
  label,
  items,
  buttonContent,
  emptyText = 'No actions available',
  disabled,
}: {
  label: string;
  items: MenuItem[];
  buttonContent?: ReactNode;
  emptyText?: string;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [placement, setPlacement] = useState<CSSProperties>({});
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();

  useEffect(() => {
    if (open) itemRefs.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    // The list is placed in viewport coordinates: a scroll or resize that moves the button detaches it, so the
    // menu closes then. Only then: a scroll event is dispatched a frame after the scroll, so the one from scrolling
    // the button into view can arrive just after the menu opened.
    const anchor = buttonRef.current?.getBoundingClientRect();
    const onMove = (e: Event) => {
      if (menuRef.current?.contains(e.target as Node)) return;
      const now = buttonRef.current?.getBoundingClientRect();
      if (!anchor || !now || Math.abs(now.top - anchor.top) > 1 || Math.abs(now.right - anchor.right) > 1) setOpen(false);
    };
    document.addEventListener('mousedown', onPointerDown);
    window.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onMove);
    return () => {
      document.removeEventListener('mousedown', onPointerDown);
      window.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    };
  }, [open]);

  const close = (restoreFocus: boolean) => {
    setOpen(false);
    if (restoreFocus) buttonRef.current?.focus();
  };

  const openAt = (index: number) => {
    const rect = buttonRef.current?.getBoundingClientRect();
    if (rect) {
      const spaceBelow = window.innerHeight - rect.bottom;
      const upward = spaceBelow < 40 + items.length * 44 && rect.top > spaceBelow;
      setPlacement({
        right: Math.max(8, window.innerWidth - rect.right),
        ...(upward ? { bottom: window.innerHeight - rect.top + 4 } : { top: rect.bottom + 4 }),
      });
    }
    setActive(index);
    setOpen(true);
  };

  const onButtonKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      openAt(0);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      openAt(Math.max(0, items.length - 1));
    }
  };

  const onMenuKeyDown = (e: KeyboardEvent) => {
    const count = items.length;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') {
      close(false);
    } else if (count > 0 && e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % count);
    } else if (count > 0 && e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + count) % count);
    } else if (e.key === 'Home') {
      e.preventDefault();
      setActive(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      setActive(Math.max(0, count - 1));
    }
  };

  return (
    <div className="menu">
      <button
        ref={buttonRef}
        type="button"
        className="button button--icon"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={disabled}
        onClick={() => (open ? close(false) : openAt(0))}
        onKeyDown={onButtonKeyDown}
      >
        {buttonContent ?? <span aria-hidden="true">…</span>}
      </button>
      {open && (
        <ul
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          className="menu__list"
          style={placement}
          onKeyDown={onMenuKeyDown}
        >
          {items.length === 0 ? (
            <li role="none" className="menu__empty">
              {emptyText}
            </li>
          ) : (
            items.map((item, index) => (
              <li role="none" key={item.key}>
                <button
                  ref={(el) => {
                    itemRefs.current[index] = el;
                  }}
                  type="button"
                  role="menuitem"
                  className="menu__item"
                  tabIndex={index === active ? 0 : -1}
                  disabled={item.disabled}
                  onClick={() => {
                    close(true);
                    item.onSelect();
                  }}
                >
                  {item.label}
                </button>
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}

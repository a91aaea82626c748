import { useId, useState } from 'react';
import type { ClipboardEvent, KeyboardEvent } from 'react';
import { splitChips } from '../workflows/workflow-draft';

/** A list of short values typed as chips: Enter or a comma adds, a pasted "a, b, c" adds three. */
export function ChipInput({
  label,
  values,
  onChange,
  hint,
}: {
  label: string;
  values: string[];
  onChange: (values: string[]) => void;
  hint?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const more = splitChips(raw).filter((v) => !values.includes(v));
    if (more.length) onChange([...values, ...more]);
    setText('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if ((e.key === 'Enter' || e.key === ',') && text.trim()) {
      e.preventDefault();
      add(text);
    } else if (e.key === 'Enter') {
      e.preventDefault();
    } else if (e.key === 'Backspace' && !text && values.length) {
      onChange(values.slice(0, -1));
    }
  };
  const onPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const pasted = e.clipboardData.getData('text');
    if (pasted.includes(',')) {
      e.preventDefault();
      add(text + pasted);
    }
  };
  return (
    <div className="field chip-input">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="chip-input__box">
        {values.length > 0 && (
          <ul className="chip-input__chips" aria-label={`${label}: chosen values`}>
            {values.map((v) => (
              <li key={v} className="chip">
                {v}
                <button type="button" className="chip__remove" aria-label={`Remove ${v} from ${label}`} onClick={() => onChange(values.filter((x) => x !== v))}>
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={id}
          type="text"
          value={text}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(e) => {
            const v = e.target.value;
            if (v.endsWith(',')) add(v);
            else setText(v);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => text.trim() && add(text)}
          placeholder="Type and press Enter"
        />
      </div>
    </div>
  );
}

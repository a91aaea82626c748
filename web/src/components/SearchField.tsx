/** The "Search people" box of the lists: an inline labelled search input. */
export function SearchField({ id, value, onChange, label = 'Search people', placeholder = 'Name or email' }: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  label?: string;
  placeholder?: string;
}) {
  return (
    <div className="field field--inline">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

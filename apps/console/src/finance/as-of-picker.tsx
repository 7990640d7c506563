import { useState } from 'preact/hooks';

/**
 * "As of": a date and time in the browser's zone (sent as a UTC instant) or a log position pasted
 * as is; empty means now. The api says what it refuses, by field.
 */
export function AsOfPicker(props: { onChange: (asOf: string | undefined) => void }) {
  const [local, setLocal] = useState('');
  const [position, setPosition] = useState('');
  const apply = () => {
    if (position.trim()) return props.onChange(position.trim());
    props.onChange(local ? new Date(local).toISOString() : undefined);
  };
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label for="as-of">As of</label>
      <input id="as-of" type="datetime-local" step={1} value={local} onInput={(e) => setLocal(e.currentTarget.value)} />
      <label for="as-of-position">or log position</label>
      <input id="as-of-position" value={position} placeholder="00000000000000000745-…" onInput={(e) => setPosition(e.currentTarget.value)} />
      <button type="submit">Show</button>
      <button
        type="button"
        onClick={() => {
          setLocal('');
          setPosition('');
          props.onChange(undefined);
        }}
      >
        Now
      </button>
    </form>
  );
}

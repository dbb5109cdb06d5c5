import { useState } from 'preact/hooks';

/** Copies text to the clipboard; where the page may not (plain HTTP off localhost) it says so. */
export const CopyButton = ({ text, label = 'Copy' }: { text: string; label?: string }) => {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
    setTimeout(() => setStatus('idle'), 2_000);
  };
  return (
    <button type="button" class="secondary" onClick={copy} aria-live="polite">
      {status === 'copied' ? 'Copied' : status === 'failed' ? 'Select and copy by hand' : label}
    </button>
  );
};

import { ApiError } from '../api.ts';

/** An error as a message the operator can act on (and quote: the request id), never a blank screen. */
export const ErrorMessage = ({ error, title }: { error: unknown; title?: string }) => {
  if (error === undefined || error === null) return null;
  const api = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="alert" role="alert">
      <strong>{title ?? (api && api.status > 0 ? `Error ${api.status}` : 'Error')}</strong> {message}
      {api?.param ? <span class="muted"> (field: {api.param})</span> : null}
      {api?.code || api?.requestId ? (
        <div class="muted small">
          {api.code ? <>code {api.code}</> : null}
          {api.code && api.requestId ? ' · ' : null}
          {api.requestId ? <>request id {api.requestId}</> : null}
        </div>
      ) : null}
    </div>
  );
};

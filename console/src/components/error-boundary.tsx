import { Component, type ComponentChildren } from 'preact';
import { ErrorMessage } from './error-message.tsx';

interface Props {
  children: ComponentChildren;
}

/** A bug in one page shows as a message with a way out, not as an empty page. */
export class ErrorBoundary extends Component<Props, { error: unknown }> {
  override state = { error: undefined as unknown };

  static override getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <section>
        <ErrorMessage error={this.state.error} title="This page failed." />
        <button type="button" onClick={() => this.setState({ error: undefined })}>
          Try again
        </button>
      </section>
    );
  }
}

import { FastifyAdapter } from '@nestjs/platform-fastify';

/** Fastify as Nest drives it, plus whether shutdown has begun (`beforeClose`, the first step of app.close()). */
export class ClosingFastifyAdapter extends FastifyAdapter {
  private closing = false;

  shuttingDown(): boolean {
    return this.closing;
  }

  override beforeClose(): void {
    this.closing = true;
    super.beforeClose();
  }
}

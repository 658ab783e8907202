import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/**
 * Tells the relay, right after COMMIT, that a transaction wrote outbox rows, so notifications leave
 * without waiting for the next sweep. Best effort by design: the sweep is the guarantee.
 */
@Injectable()
export class OutboxCommitSignal implements EntitySubscriberInterface, OnModuleInit {
  private readonly written = new WeakSet<QueryRunner>();
  private readonly callbacks = new Set<() => void>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  /** Called inside the transaction that inserted outbox rows. */
  markWritten(manager: EntityManager): void {
    if (manager.queryRunner) this.written.add(manager.queryRunner);
  }

  onCommitted(callback: () => void): () => void {
    this.callbacks.add(callback);
    return () => this.callbacks.delete(callback);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    // A released savepoint is not a commit: wait for the outer transaction.
    if (runner.isTransactionActive || !this.written.has(runner)) return;
    this.written.delete(runner);
    for (const callback of this.callbacks) {
      try {
        callback();
      } catch {
        // never let a notification concern fail a committed transaction
      }
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.written.delete(event.queryRunner);
  }
}

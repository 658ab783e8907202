import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FieldVersions } from '@app/processing';

/** Projection of document events; `versions` records, per field, the event that last set it. */
@Entity({ name: 'documents' })
@Index('idx_documents_shipment_id', ['shipmentId'])
export class DocumentEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_documents' })
  id: string;

  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  @Column({ name: 'document_type', type: 'text' })
  documentType: string;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  /** `occurredAt` of the latest event applied to the document (`created_at`/`updated_at` are when the row was written). */
  @Column({ name: 'last_event_at', type: 'timestamptz' })
  lastEventAt: Date;

  @Column({ type: 'jsonb' })
  versions: FieldVersions;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

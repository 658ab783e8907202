import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectionEntity } from '@app/database';

/** Projection of document events. */
@Entity({ name: 'documents' })
@Index('idx_documents_shipment_id', ['shipmentId'])
export class DocumentEntity extends ProjectionEntity {
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
}

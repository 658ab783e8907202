import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { found } from './not-found.js';
import { ProjectionsReader } from './projections.reader.js';
import { BearerProtected, NotFound } from './read-api.decorators.js';
import { ContainerParams, IdParams } from './read.dto.js';
import { BookingView, ContainerView, DocumentView, InvoiceView, PurchaseOrderView } from './views.js';
import { ValidatedInput } from '../http/validation.js';

@ApiTags('read')
@BearerProtected()
@ValidatedInput()
@Controller()
export class ProjectionsController {
  constructor(private readonly reader: ProjectionsReader) {}

  @Get('bookings/:id')
  @ApiOperation({ summary: 'A booking.' })
  @ApiOkResponse({ type: BookingView })
  @NotFound('booking')
  async booking(@Param() { id }: IdParams): Promise<BookingView> {
    return found(await this.reader.booking(id), 'booking', id);
  }

  @Get('purchase-orders/:id')
  @ApiOperation({ summary: 'A purchase order.' })
  @ApiOkResponse({ type: PurchaseOrderView })
  @NotFound('purchase order')
  async purchaseOrder(@Param() { id }: IdParams): Promise<PurchaseOrderView> {
    return found(await this.reader.purchaseOrder(id), 'purchase order', id);
  }

  @Get('invoices/:id')
  @ApiOperation({ summary: 'An invoice; the amount is a decimal string with its currency.' })
  @ApiOkResponse({ type: InvoiceView })
  @NotFound('invoice')
  async invoice(@Param() { id }: IdParams): Promise<InvoiceView> {
    return found(await this.reader.invoice(id), 'invoice', id);
  }

  @Get('documents/:id')
  @ApiOperation({ summary: 'A document.' })
  @ApiOkResponse({ type: DocumentView })
  @NotFound('document')
  async document(@Param() { id }: IdParams): Promise<DocumentView> {
    return found(await this.reader.document(id), 'document', id);
  }

  @Get('containers/:number')
  @ApiOperation({ summary: 'A container, by its number.' })
  @ApiOkResponse({ type: ContainerView })
  @NotFound('container')
  async container(@Param() { number }: ContainerParams): Promise<ContainerView> {
    return found(await this.reader.container(number), 'container', number);
  }
}

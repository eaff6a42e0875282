import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class DeliveryLogQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500, description: 'Số thông báo gần nhất' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit phải là số nguyên.' })
  @Min(1, { message: 'limit từ 1 đến 500.' })
  @Max(500, { message: 'limit từ 1 đến 500.' })
  limit: number = 50;
}

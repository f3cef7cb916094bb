/**
 * Prices (`price`, `bid`, `ask`): a plain decimal > 0, no sign, no exponent, at most
 * {@link PRICE_MAX_SIGNIFICANT_DIGITS} significant digits and {@link PRICE_MAX_SCALE} decimals
 * (rules in `domain/decimal.ts`); anything else is INVALID_PRICE.
 */
import {
  PRICE_MAX_SCALE,
  PRICE_MAX_SIGNIFICANT_DIGITS,
  PriceScan,
  scanPrice,
  type ScannedPrice,
} from '../domain/decimal';
import { FIELDS } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import { previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const TEXT = SlotKind.Text;
const NUMBER = SlotKind.Number;
const BOOLEAN = SlotKind.Boolean;
const NOT_A_NUMBER = PriceScan.NotANumber;
const scanPriceHot = scanPrice;

const PRICE_PROBLEMS: Record<number, string> = {
  [PriceScan.NotANumber]: 'is not a plain decimal number',
  [PriceScan.Exponent]: 'uses exponent notation, which is not accepted',
  [PriceScan.NonFinite]: 'is not a finite number',
  [PriceScan.NotPositive]: 'must be greater than 0',
  [PriceScan.TooManyDigits]: `has more than ${PRICE_MAX_SIGNIFICANT_DIGITS} significant digits`,
  [PriceScan.ScaleTooLarge]: `has more than ${PRICE_MAX_SCALE} decimal places`,
};

/** Scans the price in slot `f` into `out`. */
export function readPrice(slots: RowSlots, f: number, out: ScannedPrice): PriceScan {
  const k = slots.kind[f];
  if (k !== TEXT && k !== NUMBER) return NOT_A_NUMBER;
  return scanPriceHot(slots.src[f], slots.start[f], slots.end[f], out);
}

/** The INVALID_PRICE message for what {@link readPrice} returned. */
export function priceProblem(slots: RowSlots, f: number, status: PriceScan): string {
  const shown = slots.kind[f] === BOOLEAN ? 'a boolean' : previewValue(slots.src[f], slots.start[f], slots.end[f]);
  return `${FIELDS[f]} ${shown} ${PRICE_PROBLEMS[status]}`;
}

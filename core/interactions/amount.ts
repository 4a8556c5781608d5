import { UserError } from '../errors.ts';

/**
 * Points are whole numbers. Amounts arrive as text typed by a member ("5", "5.5", "-3", "lots", "1e9"), so they are
 * parsed here, not by the generic integer option, to tell the member exactly what was wrong.
 */
export const AMOUNT_ERRORS = {
  notANumber: 'AMOUNT_NOT_A_NUMBER',
  notPositive: 'AMOUNT_NOT_POSITIVE',
  fractional: 'AMOUNT_FRACTIONAL',
  tooLarge: 'AMOUNT_TOO_LARGE',
} as const;

export function parsePointAmount(raw: string | number | undefined | null, max: number): number {
  const text = String(raw ?? '')
    .trim()
    .replace(/[,_＿，]/g, '');
  // Full-width digits (１２) are what a Chinese IME types.
  const ascii = text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/^＋/, '+');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(ascii)) {
    throw new UserError(AMOUNT_ERRORS.notANumber, 'interactions:amount.notANumber', { value: text.slice(0, 40), max });
  }
  const negative = ascii.startsWith('-');
  const unsigned = ascii.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  const wholeDigits = whole.replace(/^0+/, '');
  if (negative && (wholeDigits !== '' || /[1-9]/.test(fraction))) {
    throw new UserError(AMOUNT_ERRORS.notPositive, 'interactions:amount.notPositive', { value: text, max });
  }
  if (/[1-9]/.test(fraction)) {
    throw new UserError(AMOUNT_ERRORS.fractional, 'interactions:amount.fractional', { value: text, max });
  }
  // Compare digit strings first: "99999999999999999999" must not round through a float into range.
  if (wholeDigits.length > String(max).length || Number(wholeDigits) > max) {
    throw new UserError(AMOUNT_ERRORS.tooLarge, 'interactions:amount.tooLarge', { value: text.slice(0, 40), max });
  }
  const amount = wholeDigits === '' ? 0 : Number(wholeDigits);
  if (amount <= 0)
    throw new UserError(AMOUNT_ERRORS.notPositive, 'interactions:amount.notPositive', { value: text, max });
  return amount;
}

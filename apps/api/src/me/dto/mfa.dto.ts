import { IsString, Matches } from 'class-validator';

export class MfaCodeDto {
  /** The 6 digits the authenticator shows now. @example "492039" */
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'code must be the 6 digits of the authenticator' })
  code: string;
}

/** A new TOTP secret, pending until a code of it is confirmed. */
export class TotpEnrolmentResponse {
  /** Base32, for typing into an authenticator app. @example "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" */
  secret: string;

  /** The same as an `otpauth://` URI, for a QR code. @example "otpauth://totp/Acme%20Inc.:ada%40acme.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acme%20Inc." */
  otpauthUrl: string;
}

/** MFA is on. The recovery codes are shown this once; each signs in once instead of a code. */
export class RecoveryCodesResponse {
  /** @example ["k7qm-2xpw-9rtd-hv4c", "m3ne-8ubz-q2wy-tk6f"] */
  recoveryCodes: string[];
}

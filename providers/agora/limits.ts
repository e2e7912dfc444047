/** App IDs and certificates: 32 hexadecimal characters. */
export const hex32 = /^[0-9a-fA-F]{32}$/;

/** Longest token lifetime Agora accepts, in seconds. */
export const maxExpirySeconds = 86_400;

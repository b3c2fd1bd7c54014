declare module 'heic-convert' {
  const convert: (opts: { buffer: Buffer | ArrayBuffer; format: 'JPEG' | 'PNG'; quality?: number }) => Promise<ArrayBuffer>
  export default convert
}

declare module 'http_ece' {
  export function decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: import('node:crypto').ECDH; authSecret: string | Buffer }): Buffer
}

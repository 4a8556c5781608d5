import { DefaultRestOptions, type RESTOptions } from 'discord.js';

type MakeRequest = RESTOptions['makeRequest'];
type Init = Parameters<MakeRequest>[1];

/**
 * discord.js's REST hands a multipart upload to its undici (v6) as a FormData object. Undici v7 (the feed fetcher's)
 * installs itself, on import, as the process-wide dispatcher v6 also reads, and v7 cannot read a FormData built
 * elsewhere: every upload (images, exports) failed with "action is not a function" once both were loaded. Serialising
 * the form to bytes with its multipart content type first works with whichever dispatcher is installed.
 */
export const makeRequestWithBytes: MakeRequest = async (url, init) => {
  if (!(init.body instanceof FormData)) return DefaultRestOptions.makeRequest(url, init);
  const encoded = new Response(init.body);
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
  const headers = { ...(init.headers as Record<string, string> | undefined), 'content-type': contentType };
  const body = new Uint8Array(await encoded.arrayBuffer());
  return DefaultRestOptions.makeRequest(url, { ...init, headers, body } as Init);
};

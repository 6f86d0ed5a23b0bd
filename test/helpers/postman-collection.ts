import type { CollectionFolder, CollectionRequest, PostmanCollection } from '../../src/client/postman-collection.js';

/** The Postman collection the sandbox at `url` serves. */
export async function servedCollection(url: string): Promise<PostmanCollection> {
  return (await (await fetch(`${url}/postman-collection.json`)).json()) as PostmanCollection;
}

/** A collection's requests, its folders flattened, in their order. */
export function collectionRequests(items: readonly (CollectionRequest | CollectionFolder)[]): CollectionRequest[] {
  return items.flatMap((item) => ('item' in item ? collectionRequests(item.item) : [item]));
}

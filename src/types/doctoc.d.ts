declare module "doctoc/lib/transform.js" {
  /** doctoc's own transform: inserts or refreshes the table of contents between its markers. */
  export default function transform(
    content: string,
    mode?: string,
    maxHeaderLevel?: number,
    minHeaderLevel?: number,
    minTocItems?: number,
    title?: string,
    notitle?: boolean,
  ): { transformed: boolean; data?: string };
}

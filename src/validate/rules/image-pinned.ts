import { parseImageReference } from "../../values/image-reference.ts";
import type { RawFinding, StageRule } from "../finding.ts";
import { containers, podTemplates } from "./workloads.ts";

/** Tags that name a moving target by convention. */
const mutableTags = new Set([
  "latest",
  "main",
  "master",
  "develop",
  "development",
  "dev",
  "stable",
  "edge",
  "nightly",
  "staging",
  "test",
  "prod",
  "production",
  "release",
]);

/** Why `image` is not pinned, or undefined: a digest, a version (1.2 or more) or a commit id pins it. */
export function unpinnedReason(image: string): string | undefined {
  const reference = parseImageReference(image);
  if (!reference) return `'${image}' is not an image reference`;
  if (reference.digest) return undefined;
  if (!reference.tag) return `'${image}' has no tag, so it runs whatever 'latest' is`;
  if (mutableTags.has(reference.tag.toLowerCase())) return `'${image}' uses the moving tag '${reference.tag}'`;
  const words = reference.tag.split(/[-_.]+/);
  const hasCommit = words.some((word) => /^[0-9a-f]{7,64}$/.test(word) && /[0-9]/.test(word) && /[a-f]/.test(word));
  const hasVersion = /(^|[^0-9])[0-9]+\.[0-9]+/.test(reference.tag);
  if (hasCommit || hasVersion) return undefined;
  return `'${image}': tag '${reference.tag}' names no version or commit, so it may move`;
}

export const imagePinned: StageRule = {
  id: "image-pinned",
  category: "safety",
  severity: "error",
  summary: "images on AKS stages are pinned: a digest, or a tag naming a version or commit (never latest or none)",
  hint: "set services.<name>.image to an immutable tag (e.g. <branch>--<commit>) or add @sha256:<digest>",
  run(stage) {
    if (stage.stage.platform !== "aks") return [];
    return podTemplates(stage.objects).flatMap((template) =>
      containers(template).flatMap(({ container, path }): RawFinding[] => {
        const reason = unpinnedReason(container.image ?? "");
        return reason ? [{ object: template.item, path: [...path, "image"], message: reason }] : [];
      }),
    );
  },
};

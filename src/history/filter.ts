import type { ImageChange, ServiceImages } from "../promotion/images.ts";
import type { DeploymentHistory } from "./model.ts";

export interface HistoryFilter {
  stage?: string | undefined;
  service?: string | undefined;
  /** ISO date: leave out what ended before it. */
  since?: string | undefined;
}

/** Narrows a history to one stage, one service and/or a time window. */
export function filterHistory(history: DeploymentHistory, filter: HistoryFilter): DeploymentHistory {
  // Without a filter, the history as it is (a large one is not copied event by event).
  if (!filter.stage && !filter.service && !filter.since) return history;
  const since = filter.since ? Date.parse(filter.since) : undefined;
  const inStage = (stage: string) => !filter.stage || stage === filter.stage;
  const recent = (date: string | undefined) => since === undefined || date === undefined || Date.parse(date) >= since;
  const serviceImages = (images: ServiceImages): ServiceImages =>
    filter.service
      ? Object.fromEntries(Object.entries(images).filter(([service]) => service === filter.service))
      : images;
  const serviceChanges = (changes: ImageChange[]) =>
    filter.service ? changes.filter((change) => change.service === filter.service) : changes;
  return {
    source: history.source,
    caveats: history.caveats,
    warnings: history.warnings.filter((warning) => inStage(warning.stage)),
    events: history.events
      .filter((event) => inStage(event.stage) && recent(event.date))
      .map((event) => ({ ...event, changes: serviceChanges(event.changes) }))
      .filter((event) => !filter.service || event.changes.length > 0),
    periods: history.periods.filter(
      (period) =>
        inStage(period.stage) && (!filter.service || period.service === filter.service) && recent(period.until),
    ),
    services: history.services.filter((service) => !filter.service || service === filter.service),
    now: history.now
      .filter((stage) => inStage(stage.stage))
      .map((stage) => ({
        ...stage,
        images: serviceImages(stage.images),
        waiting: stage.waiting && { ...stage.waiting, changes: serviceChanges(stage.waiting.changes) },
      })),
    ...(history.live ? { live: history.live.filter((stage) => inStage(stage.stage)) } : {}),
  };
}

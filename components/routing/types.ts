// Props the routing page's server component passes to its client islands (plain JSON).

export interface DeploymentOption {
  id: string;
  provider: string;
  upstreamModel: string;
  region: string | null;
  /** What the editor writes in `candidates` and `weights`: providerName/upstreamModel. */
  selector: string;
}

export interface ModelOption {
  name: string;
  aliases: string[];
  kind: "chat" | "embeddings";
  deployments: DeploymentOption[];
}

export interface PolicyVersionView {
  version: number;
  createdAt: string;
  createdBy: string | null;
  note: string | null;
  document: unknown;
}

export interface RoutingState {
  policy: unknown | null;
  version: number | null;
  versions: PolicyVersionView[];
}

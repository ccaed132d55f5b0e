import { ReportSkeleton } from "@/components/reports/skeleton";

export default function Loading() {
  return <ReportSkeleton kpis={9} charts={4} />;
}

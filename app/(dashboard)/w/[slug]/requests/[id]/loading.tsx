import { ReportSkeleton } from "@/components/reports/skeleton";

export default function Loading() {
  return <ReportSkeleton charts={2} table />;
}

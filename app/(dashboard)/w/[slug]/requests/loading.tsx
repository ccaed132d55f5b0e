import { ReportSkeleton } from "@/components/reports/skeleton";

export default function Loading() {
  return <ReportSkeleton table />;
}

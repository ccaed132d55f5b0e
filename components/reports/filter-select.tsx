import { Select } from "@/components/ui/field";

/** A labelled filter select for GET filter forms; "All" is the empty value. */
export function FilterSelect({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: Array<{ id: string; name: string }>;
}) {
  return (
    <label className="text-xs text-muted">
      {label}
      <Select name={name} defaultValue={value ?? ""} className="mt-1 h-8 w-44">
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </Select>
    </label>
  );
}

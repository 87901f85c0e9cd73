/** A person as stored: the numeric id is the key; labels and name as the workbook last gave them. */
export interface PersonRecord {
  id: number;
  rowLabel: string | null;
  columnLabel: string | null;
  listLabel: string | null;
  name: string | null;
}

/** What one file says about a person; undefined = the file says nothing about that field. */
export interface PersonFacts {
  rowLabel?: string;
  columnLabel?: string;
  listLabel?: string;
  name?: string;
}

const FIELDS = ['rowLabel', 'columnLabel', 'listLabel', 'name'] as const;

/**
 * The people to write after a file (pure): new ids are added; a stored person takes each field the
 * file gives and keeps the others (a person missing from a newer file is never deleted, and keeps
 * its last labels and name).
 */
export function mergePeople(
  stored: ReadonlyMap<number, PersonRecord>,
  facts: ReadonlyMap<number, PersonFacts>,
): { added: PersonRecord[]; updated: PersonRecord[]; unchanged: number } {
  const added: PersonRecord[] = [];
  const updated: PersonRecord[] = [];
  let unchanged = 0;
  for (const [id, fact] of facts) {
    const old = stored.get(id);
    const next: PersonRecord = {
      id,
      rowLabel: fact.rowLabel ?? old?.rowLabel ?? null,
      columnLabel: fact.columnLabel ?? old?.columnLabel ?? null,
      listLabel: fact.listLabel ?? old?.listLabel ?? null,
      name: fact.name ?? old?.name ?? null,
    };
    if (!old) added.push(next);
    else if (FIELDS.some((field) => old[field] !== next[field])) updated.push(next);
    else unchanged++;
  }
  return { added, updated, unchanged };
}

/** Ids whose labels disagree between the row, the column and the actor list (as in the real workbook from id 41 on). */
export function labelDisagreements(facts: ReadonlyMap<number, PersonFacts>): number[] {
  const ids: number[] = [];
  for (const [id, fact] of facts) {
    const labels = new Set([fact.rowLabel, fact.columnLabel, fact.listLabel].filter((l) => l !== undefined));
    if (labels.size > 1) ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}

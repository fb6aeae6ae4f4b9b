import { useId, useState, type KeyboardEvent } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { ApiError, messageOf, unwrap } from "../../api/errors";
import type { UserSummary } from "../../api/types";
import { Field } from "../../components/Field";
import { fieldError } from "../../components/FormError";
import { useDebounced } from "../../components/useDebounced";

/** The shortest text the API looks up (api/openapi.yaml, q). */
const MIN_LOOKUP = 2;
/** How long typing must pause before the console asks the API. */
const LOOKUP_DELAY_MS = 250;
/** How many suggestions to show. */
const SUGGESTIONS = 10;

/**
 * useUserLookup finds the users whose username, display name or e-mail
 * starts with text (GET /users/lookup), once typing has paused and text
 * has 2 or more characters; an empty text asks nothing. refused says the
 * API does not let the caller look users up.
 */
export function useUserLookup(text: string) {
  const q = useDebounced(text.trim(), LOOKUP_DELAY_MS);
  const enabled = q.length >= MIN_LOOKUP;
  const lookup = useQuery({
    queryKey: ["users", "lookup", q],
    queryFn: () => unwrap(api.GET("/api/v1/users/lookup", { params: { query: { q, limit: SUGGESTIONS } } })),
    enabled,
    retry: false,
    placeholderData: keepPreviousData,
  });
  const refused = lookup.error instanceof ApiError && lookup.error.status === 403;
  return {
    users: enabled ? (lookup.data?.items ?? []) : [],
    /** The lookup answered for the text as typed, and found no one. */
    noMatch:
      enabled && q === text.trim() && lookup.isSuccess && !lookup.isPlaceholderData && lookup.data.items.length === 0,
    refused,
    error: refused ? null : lookup.error,
  };
}

/** userLabel names a user the way the suggestions do. */
export function userLabel(u: UserSummary): string {
  return u.display_name ? `${u.display_name} (${u.username})` : u.username;
}

interface UserSearchFieldProps {
  label: string;
  text: string;
  onText: (text: string) => void;
  /** The user picked, whose label text then is; null while none is. */
  picked: UserSummary | null;
  onPick: (user: UserSummary) => void;
  lookup: ReturnType<typeof useUserLookup>;
  /** The API's message about the user from the last submit. */
  error?: string | undefined;
}

/**
 * UserSearchField is a combobox: the caller types part of a name and
 * picks one of the suggested users with the mouse, or with the arrow
 * keys and Enter. When the API refuses lookups it is a plain field for
 * the user's id.
 */
export function UserSearchField({ label, text, onText, picked, onPick, lookup, error }: UserSearchFieldProps) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const users = picked || lookup.refused ? [] : lookup.users;
  const expanded = open && users.length > 0;
  const current = active < users.length ? active : -1;

  function pick(u: UserSummary) {
    onPick(u);
    setOpen(false);
    setActive(-1);
  }
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setOpen(true);
      // The positions cycle through the suggestions and the field itself (-1).
      const step = e.key === "ArrowDown" ? 1 : -1;
      const positions = users.length + 1;
      setActive(((current + 1 + step + positions) % positions) - 1);
    } else if (e.key === "Enter" && expanded && current >= 0) {
      e.preventDefault();
      pick(users[current]!);
    } else if (e.key === "Escape" && expanded) {
      e.preventDefault();
      setOpen(false);
    }
  }

  let hint = "Type 2 or more letters of a name, username or e-mail address, then pick the user.";
  if (lookup.refused) hint = "You may not look users up: type the user's id.";
  else if (picked) hint = `Picked ${picked.username}.`;
  else if (lookup.noMatch) hint = "No enabled user matches.";
  return (
    <div className="combobox">
      <Field
        label={lookup.refused ? `${label} id` : label}
        hint={hint}
        value={text}
        autoComplete="off"
        error={error ?? fieldError(lookup.error, "q") ?? (lookup.error ? messageOf(lookup.error) : undefined)}
        onChange={(e) => {
          onText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        {...(lookup.refused
          ? {}
          : {
              role: "combobox",
              "aria-autocomplete": "list" as const,
              "aria-expanded": expanded,
              "aria-controls": listId,
              "aria-activedescendant": current >= 0 ? `${listId}-${current}` : undefined,
            })}
      />
      <ul className="combobox-list" role="listbox" id={listId} aria-label={`${label} suggestions`} hidden={!expanded}>
        {users.map((u, i) => (
          <li
            key={u.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === current}
            // Keep the focus in the field, whose blur would close the list before the click.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(u)}
          >
            {userLabel(u)}
          </li>
        ))}
      </ul>
    </div>
  );
}

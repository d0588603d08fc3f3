#!/usr/bin/env bash
# Stand-in for docker, kind, kubectl, helm and skopeo in UpScriptTest and RegistryGcScriptTest: records every call (arguments, the
# values of environment variables passed by name with `-e NAME`, and stdin) in $STUB_LOG, and keeps just
# enough state in $STUB_STATE to answer the scripts' "does it exist yet?" questions like the real tools.
set -euo pipefail
tool=$(basename "$0")
state=$STUB_STATE
input=""
if [[ ! -t 0 ]]; then
  input=$(cat)
fi
{
  printf '%s' "$tool"
  printf ' %s' "$@"
  printf '\n'
  if [[ "$tool" == docker && "${1:-}" == run ]]; then
    previous=""
    for arg in "$@"; do
      if [[ "$previous" == "-e" && "$arg" != *=* ]]; then
        printf '  env %s=%s\n' "$arg" "${!arg:-}"
      fi
      previous=$arg
    done
  fi
  if [[ -n "$input" ]]; then
    while IFS= read -r line; do
      printf '  | %s\n' "$line"
    done <<<"$input"
  fi
} >>"$STUB_LOG"

last=${!#}
case "$tool" in
  docker)
    case "${1:-} ${2:-}" in
      "network inspect")
        [[ -f "$state/network-$3" ]] || { echo "Error: No such network: $3" >&2; exit 1; }
        if [[ "$*" == *"-f"* ]]; then echo "172.18.0.0/16 "; fi
        ;;
      "network create") touch "$state/network-$last" ;;
      "network rm") rm -f "$state/network-$3" ;;
      "volume inspect") [[ -f "$state/volume-$3" ]] || exit 1 ;;
      "volume rm") rm -f "$state/volume-$3" ;;
      run*)
        name=""
        previous=""
        for arg in "$@"; do
          if [[ "$previous" == "--name" ]]; then name=$arg; fi
          if [[ "$previous" == "-v" && "$arg" != /* ]]; then touch "$state/volume-${arg%%:*}"; fi
          previous=$arg
        done
        if [[ -n "$name" ]]; then printf '%s\n' "$*" >"$state/container-$name"; fi
        # `mc du`: the next of the sizes a test queued in $state/du-sizes, one JSON answer a line
        if [[ " $* " == *" du "* && -s "$state/du-sizes" ]]; then
          head -n 1 "$state/du-sizes"
          sed -i 1d "$state/du-sizes"
        fi
        ;;
      rm*) rm -f "$state/container-$last" ;;
      exec*)
        # a test makes the garbage collection fail by creating $state/fail-exec
        if [[ " $* " == *" garbage-collect "* && -e "$state/fail-exec" ]]; then
          echo "failed to garbage collect" >&2
          exit 1
        fi
        ;;
      inspect*)
        [[ -f "$state/container-$last" ]] || { echo "Error: No such object: $last" >&2; exit 1; }
        format=${3:-}
        if [[ "$format" == *State.Running* ]]; then
          echo true
        elif [[ "$format" == *Labels* ]]; then
          # shellcheck disable=SC2001
          label=$(sed 's/.*index .Config.Labels "\([^"]*\)".*/\1/' <<<"$format")
          tr ' ' '\n' <"$state/container-$last" | sed -n "s/^$label=//p"
        elif [[ "$format" == *Networks* ]]; then
          echo '{"NetworkID":"stub"}'
        fi
        ;;
    esac
    ;;
  kind)
    case "${1:-} ${2:-}" in
      "get clusters")
        for file in "$state"/cluster-*; do
          [[ -e "$file" ]] && echo "${file##*/cluster-}"
        done
        ;;
      "create cluster") touch "$state/cluster-$4" ;;
      "delete cluster") rm -f "$state/cluster-$4" ;;
      "get nodes") printf '%s\n' "$4-control-plane" "$4-worker" "$4-worker2" ;;
    esac
    ;;
  kubectl)
    # a ServiceAccount token as `kubectl create token` prints it
    args="$*"
    if [[ "$args" == *"create token "* ]]; then
      rest=${args##*create token }
      echo "stub-token-of-${rest%% *}"
    fi
    ;;
esac
exit 0

#!/usr/bin/env bash
# Fails when a layer includes a header from a layer above it, or when sigv4/ includes Asio or Beast.
set -u
root=${1:?usage: check_layers.sh <repo root>}
cd "$root" || exit 2
status=0
# layer -> the layers it must not include
declare -A forbidden=(
  [sigv4]="engine aws transfer tools"
  [engine]="aws transfer tools"
  [aws]="transfer tools"
  [transfer]="tools"
)
for layer in "${!forbidden[@]}"; do
  [ -d "$layer" ] || continue
  for above in ${forbidden[$layer]}; do
    hits=$(grep -rnE "#include *\"$above/" "$layer" --include='*.hpp' --include='*.cpp' --include='*.h' 2>/dev/null)
    if [ -n "$hits" ]; then
      echo "layering: $layer/ includes $above/ (arrows must point down):"
      echo "$hits"
      status=1
    fi
  done
done
# localaws is the other side of the wire: it verifies with sigv4/ but never uses our aws/ clients, so
# that a bug in a client cannot hide behind the same bug in the server.
for above in aws transfer; do
  hits=$(grep -rnE "#include *\"$above/" tools/localaws --include='*.hpp' --include='*.cpp' 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering: tools/localaws includes $above/ (it must not use the client layers):"
    echo "$hits"
    status=1
  fi
done
hits=$(grep -rnE '#include *<boost/(asio|beast)' sigv4 --include='*.hpp' --include='*.cpp' 2>/dev/null)
if [ -n "$hits" ]; then
  echo "layering: sigv4/ must stay sans-IO but includes Asio/Beast:"
  echo "$hits"
  status=1
fi
[ $status -eq 0 ] && echo "layering: ok (sigv4 <- engine <- aws <- transfer <- tools)"
exit $status

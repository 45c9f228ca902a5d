#!/usr/bin/env bash
# run.sh: every GPU check of the CUDA kernel, in the folder make gpu-check
# builds (build/gpu-check). Run it on the GPU machine as
#   ./run.sh 2>&1 | tee gpu-check.log
# Arguments go to gpu-check. Exit status 0 only when everything passed and
# every goal was met.
set -u
PATH="$PATH:/usr/local/cuda/bin"  # compute-sanitizer, where the image has it
cd "$(dirname "$0")"
status=0

echo "== gpu-check $*"
./gpu-check "$@" || status=1

echo
echo "== conformance suite and GPU tests of the CUDA kernel (cuda.test -test.run '^TestGPU')"
./cuda.test -test.run '^TestGPU' -test.v -test.count=1 -test.timeout 10m || status=1

# End to end: both actors over the middleware, the CUDA kernel under them,
# until equilibrium; then the same with faults (drops, duplicates, crashes).
for args in "-generate ba:100000:2" "-generate ba:1000000:2" \
	"-generate ba:100000:2 -drop 0.05 -dup 0.05 -crash-every 200"; do
	echo
	echo "== sim -backend cuda $args"
	./sim -backend cuda $args -q -json -out '' -png '' || status=1
done

echo
if command -v compute-sanitizer >/dev/null 2>&1; then
	echo "== compute-sanitizer --tool memcheck, one Theta 0.9 case, 3D, 1000 nodes"
	compute-sanitizer --tool memcheck --error-exitcode 1 ./gpu-check -section emulation \
		-emu-sizes 1000 -case emulation/3D/n1000/seed1/theta0.9/defaults || status=1
else
	echo "== compute-sanitizer not installed: memcheck skipped"
fi

echo
echo "run.sh: exit status $status"
exit $status

using Recurrent.Mpi;
using Recurrent.Mpi.Tests;

// The tests that need real MPI ranks, run by .ci/run as: mpirun -np 2 dotnet Recurrent.Mpi.Tests.dll
// Every rank runs every case; a case fails when it fails on any rank. Rank 0 prints one line per failure and then
// "N passed, N failed"; the exit code is 1 when any case failed.
using var group = MpiProcessGroup.Initialize();
var cases = new MpiTestRunner(group);
GroupOperationTests.AddTo(cases);
EquivalenceTests.AddTo(cases);
return cases.Run();

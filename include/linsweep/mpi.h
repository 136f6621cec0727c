/* linsweep's C API over MPI (library linsweep_mpi; pkg-config linsweep-mpi): a ready
 * linsweep_options.reduce for an MPI communicator, with linsweep::mpi::Reducer's guarantees
 * (sums in a fixed tree over the ranks, bitwise the same on every rank and in every run).
 *
 *     linsweep_options o;
 *     linsweep_options_default(&o);
 *     linsweep_mpi_options(&o, MPI_COMM_WORLD);     // collective
 *     ... linsweep_model_create(&o, &model), linsweep_fit_f64(model, my_rows_of_X, ...) ...
 *     linsweep_mpi_options_release(&o);             // collective, after the last use
 */
#ifndef LINSWEEP_MPI_H
#define LINSWEEP_MPI_H

#include <mpi.h>

#include "linsweep/linsweep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sets reduce, reduce_user_data, reduce_rank and reduce_size of *options for the ranks of comm
 * (a private duplicate of it). Collective on comm; MPI must be initialized. */
linsweep_status linsweep_mpi_options(linsweep_options* options, MPI_Comm comm);
/* Frees what linsweep_mpi_options made and resets those four fields (alone). Collective. */
void linsweep_mpi_options_release(linsweep_options* options);

#ifdef __cplusplus
}
#endif

#endif /* LINSWEEP_MPI_H */

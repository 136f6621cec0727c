// fit_grid (linsweep/grid.hpp): K models of one target, each a whole single fit (Training<T>, the
// very code of Regressor::fit, so each result is bitwise that fit's), their passes over X run
// together.
//
// Each model runs on a thread of its own, which only does the model's O(n) algebra: every sweep
// and Gram sweep (through its Problem's SweepRoute), every reduction (through a Reducer that
// stands in for the caller's) and every callback is a request that the calling thread, the
// coordinator, executes. The coordinator waits until every model still training has posted one
// request, then runs the round: the sweeps as one sweep of K outputs, the Gram sweeps as one Gram
// sweep of K columns, then the rest in the grid's order. So the kernels' threads (OpenMP) and the
// transport (MPI) serve the passes from the calling thread, every participant makes its
// reductions in the same order (a model with no rows here still posts its pass: SweepRoute::skip),
// and a model that stopped leaves the rounds. The setup passes that are not sweeps (statistics for
// standardize, pcg's sketch) and the sketch's QR run on the model's own thread.
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "checks.hpp"
#include "grid_sweep.hpp"
#include "linsweep/grid.hpp"
#include "training.hpp"
#include "validate.hpp"

namespace linsweep {

namespace detail {

namespace {

// A function to run on the coordinator, by reference (no allocation).
struct Call {
    void (*run)(void*) = nullptr;
    void* context = nullptr;
    template <class F> static Call of(F& f)
    {
        return {[](void* c) { (*static_cast<F*>(c))(); }, &f};
    }
};

template <class T> struct Request {
    enum class Kind { sweep, gram, skip, call } kind = Kind::skip;
    const MatrixView<const T>* X = nullptr;
    const MatrixView<const T>* Y = nullptr;  // sweep
    const MatrixView<const T>* W = nullptr;  // W or P (n x 1)
    const T* b = nullptr;
    const MatrixView<T>* G = nullptr;
    T* s = nullptr;
    Workspace* ws = nullptr;
    const KernelOptions* kernel = nullptr;
    Call call;
    double e = 0;
    std::exception_ptr error;

    void set(Kind what, const MatrixView<const T>& x, const MatrixView<const T>* y,
             const MatrixView<const T>& w, const T* bias, const MatrixView<T>& g, T* sums,
             Workspace& workspace, const KernelOptions& options)
    {
        *this = Request{};
        kind = what;
        X = &x;
        Y = y;
        W = &w;
        b = bias;
        G = &g;
        s = sums;
        ws = &workspace;
        kernel = &options;
    }
};

bool same_kernel(const KernelOptions& a, const KernelOptions& b)
{
    return a.threads == b.threads && a.isa == b.isa && a.tuning == b.tuning && a.precise == b.precise;
}

template <class T> class Coordinator {
public:
    struct Model;

    // The model's door to the coordinator: its sweeps and Gram sweeps.
    struct Route final : SweepRoute<T> {
        Coordinator* grid = nullptr;
        Model* model = nullptr;
        double sweep(const MatrixView<const T>& X, const MatrixView<const T>& Y, const MatrixView<const T>& W,
                     const T* b, const MatrixView<T>& G, T* s, Workspace& ws,
                     const KernelOptions& kernel) override
        {
            model->request.set(Request<T>::Kind::sweep, X, &Y, W, b, G, s, ws, kernel);
            grid->post(*model);
            return model->request.e;
        }
        void gram(const MatrixView<const T>& X, const MatrixView<const T>& P, const T* p0,
                  const MatrixView<T>& G, T* s, Workspace& ws, const KernelOptions& kernel) override
        {
            model->request.set(Request<T>::Kind::gram, X, nullptr, P, p0, G, s, ws, kernel);
            grid->post(*model);
        }
        void skip() override
        {
            model->request = Request<T>{};
            grid->post(*model);
        }
    };

    // The caller's reducer, its reductions made by the coordinator.
    struct ModelReducer final : Reducer {
        Coordinator* grid = nullptr;
        Model* model = nullptr;
        Reducer* real = nullptr;
        int rank() const noexcept override { return real->rank(); }
        int size() const noexcept override { return real->size(); }
        void all_reduce(double* data, std::size_t count, ReduceOp op) override
        {
            auto f = [&] { real->all_reduce(data, count, op); };
            grid->on_coordinator(*model, Call::of(f));
        }
    };

    struct Model {
        Training<T> training;
        Route route;
        Request<T> request;
        bool pending = false, finished = false;
        std::exception_ptr failure;
    };

    Coordinator(const MatrixView<const T>& X, const FitOptions& base, const ModelGrid& grid,
                GridResult<T>& out)
        : X_(X)
    {
        const std::size_t L = std::max<std::size_t>(1, grid.learning_rate.size());
        const std::size_t K = std::max<std::size_t>(1, grid.l2.size()) * L;
        models_.reserve(K);
        for (std::size_t i = 0; i < K; ++i) {
            auto model = std::make_unique<Model>();
            FitOptions& o = model->training.options;
            o = base;
            if (!grid.l2.empty()) o.l2 = grid.l2[i / L];
            if (!grid.learning_rate.empty()) o.learning_rate = grid.learning_rate[i % L];
            check_options(o);
            out.l2.push_back(o.l2);
            out.learning_rate.push_back(o.learning_rate.value_or(std::numeric_limits<double>::quiet_NaN()));
            model->route.grid = this;
            model->route.model = model.get();
            model->training.problem.set_route(&model->route);
            if (base.reducer) {
                auto reducer = std::make_shared<ModelReducer>();
                reducer->grid = this;
                reducer->model = model.get();
                reducer->real = base.reducer.get();
                o.reducer = reducer;
            }
            if (base.callback) {
                const auto* user = &base.callback;
                Model* m = model.get();
                o.callback = [this, m, user](const IterationInfo& info) {
                    bool go = true;
                    auto f = [&] { go = (*user)(info); };
                    on_coordinator(*m, Call::of(f));
                    return go;
                };
            }
            models_.push_back(std::move(model));
        }
        const std::size_t n = X.cols;
        for (auto* v : {&w_, &g_}) v->resize(n * K);
        for (auto* v : {&b_, &s_}) v->resize(K);
        e_.resize(K);
        batch_.reserve(K);
        together_.reserve(K);
    }

    // Trains every model (`train` runs one on its thread) and returns when all are done.
    template <class F> void run(F&& train)
    {
        std::vector<std::thread> threads;
        threads.reserve(models_.size());
        for (auto& model : models_) {
            Model* m = model.get();
            try {
                threads.emplace_back([this, m, &train] {
                    try {
                        train(m->training);
                    } catch (...) {
                        m->failure = std::current_exception();
                    }
                    std::lock_guard<std::mutex> lock(mutex_);
                    m->finished = true;
                    coordinator_.notify_one();
                });
            } catch (...) {  // no thread: the model fails, the others go on
                m->failure = std::current_exception();
                m->finished = true;
            }
        }
        coordinate();
        for (std::thread& t : threads) t.join();
    }

    // The first model's failure, if any.
    void rethrow() const
    {
        for (const auto& model : models_)
            if (model->failure) std::rethrow_exception(model->failure);
    }

    const std::vector<std::unique_ptr<Model>>& models() const noexcept { return models_; }

    // A model's request: wait until the coordinator has run it.
    void post(Model& m)
    {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            m.pending = true;
            coordinator_.notify_one();
            models_cv_.wait(lock, [&] { return !m.pending; });
        }
        if (m.request.error) std::rethrow_exception(m.request.error);
    }
    void on_coordinator(Model& m, Call call)
    {
        m.request = Request<T>{};
        m.request.kind = Request<T>::Kind::call;
        m.request.call = call;
        post(m);
    }

private:
    void coordinate()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            coordinator_.wait(lock, [&] {
                return std::all_of(models_.begin(), models_.end(),
                                   [](const auto& m) { return m->pending || m->finished; });
            });
            if (std::all_of(models_.begin(), models_.end(), [](const auto& m) { return m->finished; }))
                return;
            lock.unlock();
            round();
            lock.lock();
            for (auto& m : models_) m->pending = false;
            models_cv_.notify_all();
        }
    }

    // One request of every model still training: the sweeps together, the Gram sweeps together,
    // then the rest in the grid's order.
    void round()
    {
        for (auto kind : {Request<T>::Kind::sweep, Request<T>::Kind::gram}) {
            batch_.clear();
            for (auto& m : models_)
                if (m->pending && m->request.kind == kind) batch_.push_back(&m->request);
            while (!batch_.empty()) run_batch(kind);
        }
        for (auto& m : models_) {
            Request<T>& r = m->request;
            if (!m->pending || r.kind != Request<T>::Kind::call) continue;
            try {
                r.call.run(r.call.context);
            } catch (...) {
                r.error = std::current_exception();
            }
        }
    }

    // The requests of batch_ that can share a pass with its first one (the same X, target,
    // kernel options and intercept; one column each; not precise), in one call; they leave batch_.
    void run_batch(typename Request<T>::Kind kind)
    {
        const Request<T>& first = *batch_.front();
        const bool sweep = kind == Request<T>::Kind::sweep;
        const bool shares = !first.kernel->precise && first.W->cols == 1;
        auto joins = [&](const Request<T>& r) {
            return shares && same_view(*r.X, *first.X) && (!sweep || same_view(*r.Y, *first.Y)) &&
                   same_kernel(*r.kernel, *first.kernel) && (r.b == nullptr) == (first.b == nullptr) &&
                   r.W->cols == 1;
        };
        together_.clear();
        together_.push_back(batch_.front());
        auto rest = batch_.begin();
        for (auto it = batch_.begin() + 1; it != batch_.end(); ++it)
            if (joins(**it))
                together_.push_back(*it);
            else
                *rest++ = *it;
        batch_.erase(rest, batch_.end());
        const std::size_t K = together_.size(), n = first.X->cols;
        if (K > 1) {
            for (std::size_t c = 0; c < K; ++c) {
                const Request<T>& r = *together_[c];
                for (std::size_t j = 0; j < n; ++j) w_[j * K + c] = (*r.W)(j, 0);
                b_[c] = r.b == nullptr ? T(0) : r.b[0];
            }
            const T* b = first.b == nullptr ? nullptr : b_.data();
            try {
                if (sweep)
                    sweep_models(*first.X, *first.Y, w_.data(), b, g_.data(), s_.data(), e_.data(), K, ws_,
                                 *first.kernel);
                else
                    gram_models(*first.X, w_.data(), b, g_.data(), s_.data(), K, ws_, *first.kernel);
                for (std::size_t c = 0; c < K; ++c) {
                    Request<T>& r = *together_[c];
                    for (std::size_t j = 0; j < n; ++j) (*r.G)(j, 0) = g_[j * K + c];
                    if (r.s != nullptr) r.s[0] = s_[c];
                    r.e = e_[c];
                }
                return;
            } catch (const Error&) {  // one of them failed: each on its own below, for its own outcome
            }
        }
        for (Request<T>* r : together_) {
            try {
                if (sweep)
                    r->e = linsweep::sweep(*r->X, *r->Y, *r->W, r->b, *r->G, r->s, *r->ws, *r->kernel);
                else
                    gram_sweep(*r->X, *r->W, r->b, *r->G, r->s, *r->ws, *r->kernel);
            } catch (...) {
                r->error = std::current_exception();
            }
        }
    }

    MatrixView<const T> X_;
    std::vector<std::unique_ptr<Model>> models_;
    std::mutex mutex_;
    std::condition_variable coordinator_, models_cv_;
    std::vector<Request<T>*> batch_, together_;
    std::vector<T> w_, b_, g_, s_;
    std::vector<double> e_;
    Workspace ws_;
};

}  // namespace

}  // namespace detail

namespace {

template <class T>
GridResult<T> fit_grid_impl(const MatrixView<const T>& X, const MatrixView<const T>& y,
                            const FitOptions& options, const ModelGrid& grid, const MatrixView<const T>* Xv,
                            const MatrixView<const T>* yv)
{
    using detail::fail;
    if (!grid.learning_rate.empty() && options.solver != Solver::gd && options.solver != Solver::nesterov)
        fail(Status::bad_option, std::string("a grid of learning rates needs solver gd or nesterov, not ") +
                                     solver_name(options.solver));
    if (y.cols != 1)
        fail(Status::bad_shape, "a grid fits one target: y has " + std::to_string(y.cols) + " columns");
    GridResult<T> out;
    detail::Coordinator<T> coordinator(X, options, grid, out);
    coordinator.run([&](detail::Training<T>& S) {
        S.begin(X, y, S.options.max_iterations, true, [] { return 0.0; });
        typename detail::Training<T>::Call call{};
        S.prepare(call, X, y, detail::Training<T>::From::zero);
        S.run(call, S.options.max_iterations);
        S.refine(call);
        S.commit(call);
    });
    coordinator.rethrow();
    for (const auto& model : coordinator.models()) out.models.push_back(std::move(model->training.result));
    if (Xv != nullptr) detail::score_grid(out, *Xv, *yv, options);
    return out;
}

}  // namespace

GridResult<float> fit_grid(MatrixView<const float> X, MatrixView<const float> y, const FitOptions& options,
                           const ModelGrid& grid)
{
    return fit_grid_impl<float>(X, y, options, grid, nullptr, nullptr);
}
GridResult<double> fit_grid(MatrixView<const double> X, MatrixView<const double> y, const FitOptions& options,
                            const ModelGrid& grid)
{
    return fit_grid_impl<double>(X, y, options, grid, nullptr, nullptr);
}
GridResult<float> fit_grid(MatrixView<const float> X, MatrixView<const float> y, const FitOptions& options,
                           const ModelGrid& grid, MatrixView<const float> Xv, MatrixView<const float> yv)
{
    return fit_grid_impl<float>(X, y, options, grid, &Xv, &yv);
}
GridResult<double> fit_grid(MatrixView<const double> X, MatrixView<const double> y, const FitOptions& options,
                            const ModelGrid& grid, MatrixView<const double> Xv, MatrixView<const double> yv)
{
    return fit_grid_impl<double>(X, y, options, grid, &Xv, &yv);
}

}  // namespace linsweep

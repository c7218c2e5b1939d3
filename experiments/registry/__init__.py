"""Every experiment ``make reproduce`` runs, in the order it runs them: one module a source."""

from experiments.registry import blog_posts, course_mnist, sequences

EXPERIMENTS = (*blog_posts.EXPERIMENTS, *sequences.EXPERIMENTS, *course_mnist.EXPERIMENTS)

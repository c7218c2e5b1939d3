"""Every experiment ``make reproduce`` runs, in the order it runs them: one module a source."""

from experiments.registry import blog_posts, course_mnist

EXPERIMENTS = (*blog_posts.EXPERIMENTS, *course_mnist.EXPERIMENTS)

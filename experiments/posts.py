"""The sources: each post (its text is under ``../shared/seeds/``) and the book."""

from experiments.targets import Post

CASE_K = Post('Pythonで学ぶニューラルネットワークとは', 'case-kの備忘録 (case-k)',
              'case-k-chainer-steps.txt')
UUUM = Post('ニューラルネットワーク実装入門', 'UUUM攻殻機動隊 (UUUM engineering blog)',
            'uuum-neural-network-intro.txt')
CRESCO = Post('PythonをPysonと書いて凄腕エンジニアが苦笑い。',
              'Cresco engineers blog, ビジネスイノベーションセンター川崎',
              'cresco-keras-mnist-cnn.txt')
PALLOC = Post('pythonによる深層学習[CNNフルスクラッチ編]', 'palloc', 'palloc-cnn-scratch.txt')
UDACITY = Post('Deep Learningの基礎を概観しました@ UdacityのDeep learning nanodegree '
               'foundation', '世界を目指すIT少年の学習記録', 'udacity-dl-overview.txt')

DLFS = ('Deep Learning from Scratch (ゼロから作るDeep Learning), '
        'github.com/oreilly-japan/deep-learning-from-scratch')
POSTS = (CASE_K, UUUM, CRESCO, PALLOC, UDACITY)

# Where the sources are published, for the notebooks' links.  The five posts' own
# addresses are not recorded (their text is ../shared/seeds/FILE); case-k's post names
# its blog.
CASE_K_BLOG = ('case-kの備忘録', 'https://case-k.hatenablog.com')
DLFS_CODE = 'https://github.com/oreilly-japan/deep-learning-from-scratch/blob/master/'
CHAINER_EXAMPLES = 'https://github.com/chainer/chainer/tree/v7.8.1/examples/'
KERAS_MNIST_CNN = ("Keras's examples/mnist_cnn.py",
                   'https://github.com/keras-team/keras/blob/'
                   'ac527163f630a57b8de6e1d13a8ee9479691aac4/examples/mnist_cnn.py')
KERAS_ADDITION_RNN = ("Keras's addition_rnn example",
                      'https://github.com/keras-team/keras-io/blob/master/examples/nlp/'
                      'addition_rnn.py')
IRNN_PAPER = ('Le, Jaitly & Hinton (2015)', 'https://arxiv.org/abs/1504.00941')


def dlfs(*paths):
    """Links to files of the book's code: ``('DLFS ch06/x.py', address)``."""
    return tuple((f'DLFS {path}', DLFS_CODE + path) for path in paths)


def chainer_example(folder):
    """A link to one of Chainer's examples (v7.8.1, its last release)."""
    return (f"Chainer's examples/{folder}", CHAINER_EXAMPLES + folder)

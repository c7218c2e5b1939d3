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

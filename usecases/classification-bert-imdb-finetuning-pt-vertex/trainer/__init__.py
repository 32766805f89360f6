"""BERT sentiment fine-tuning with the PyTorch Trainer: the Vertex AI custom job's entry point (trainer.task)."""
